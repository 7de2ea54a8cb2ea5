import sys

from p3dn.cli import main

sys.exit(main())
