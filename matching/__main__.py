"""`python -m matching` runs the command line."""

from matching.cli import main

main()
