import sys

from proof.bench.run import main

sys.exit(main())
