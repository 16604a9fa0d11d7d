"""`python -m reference_client` runs the same CLI as `reference-client`."""

from .cli import main

main()
