"""``python -m epython prog.py``: the ``epython`` command (epython/cli.py)."""
import sys

from .cli import main

sys.exit(main())
