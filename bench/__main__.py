"""`python -m bench` runs every benchmark and prints one table."""

from bench.run_all import main

main()
