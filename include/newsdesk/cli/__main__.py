"""``python -m newsdesk.cli`` runs the same entry point as the ``newsdesk`` script."""

import sys

from newsdesk.cli import main

sys.exit(main())
