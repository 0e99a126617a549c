"""``python -m mscdata.cli``: the ``mscdata`` command."""

import sys

from mscdata.cli import main

sys.exit(main())
