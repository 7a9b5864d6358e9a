"""Allow ``python -m triaxis`` as well as the installed ``triaxis`` command."""

from triaxis.cli import main

main()
