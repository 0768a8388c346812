"""`python -m kneeguard.cli`: the same as the `kneeguard` command."""
from kneeguard.cli import main

main()
