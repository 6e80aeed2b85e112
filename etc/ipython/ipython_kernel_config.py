# The project's kernels (make setup copies this file to .venv/etc/ipython/, where IPython reads
# the configuration of the environment's kernels).
#
# ipykernel warns at every start that its loopback TCP connection is not encrypted, and logs an
# error each time jupyter_client interrupts it on shutdown, which every papermill run does. Both
# look like failures in a run that worked; errors in a notebook's cells are in its outputs.
c = get_config()  # noqa: F821 - defined by IPython when it loads this file
c.IPKernelApp.log_level = "CRITICAL"
