"""musk_openai: source-cited data and charts on Elon Musk and OpenAI."""
