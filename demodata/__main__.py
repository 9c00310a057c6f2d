import sys

from demodata.cli import main

sys.exit(main())
