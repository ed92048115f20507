"""`python -m bot` is the `filmbot` command."""

import sys

from bot.cli import main

sys.exit(main())
