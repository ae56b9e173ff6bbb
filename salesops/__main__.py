"""`python -m salesops` runs the CLI."""

from salesops.cli import main

main()
