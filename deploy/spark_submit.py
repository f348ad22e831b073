"""The file spark-submit runs on a cluster: the Spark ingest of the installed `ingest` package.

    spark-submit [cluster options] deploy/spark_submit.py PATH... --lake URI

A launcher outside the package on purpose: spark-submit runs its file as a script, and a script
inside ingest/ would put that folder first on sys.path, where ingest/numbers.py hides the standard
library's `numbers`. README "Scaling out" has the full command.
"""

import sys

from ingest.spark_ingest import main

if __name__ == "__main__":
    sys.exit(main())
