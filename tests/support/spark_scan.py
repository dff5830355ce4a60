"""Runs dealrisk's evidence scan, emitted as Spark SQL, in a real Spark (PySpark, local mode)
and writes each result as the CSV `dealrisk scan --evidence` reads back.

    python3 tests/support/spark_scan.py SQL_FILE RESULT_CSV [SQL_FILE RESULT_CSV ...]

One session runs every file. Spark runs on one core with one shuffle partition and no
console progress: the samples are small, and the result is the same however Spark splits it.
"""
import csv
import sys

from pyspark.sql import SparkSession


def statements(text):
    """The SQL statements of `text`, without the comments that stand alone between them."""
    for chunk in text.split(";\n"):
        lines = [l for l in chunk.splitlines() if l.strip() and not l.lstrip().startswith("--")]
        if lines:
            yield chunk.strip().rstrip(";")


def main(args):
    if len(args) < 2 or len(args) % 2:
        sys.exit(__doc__)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("dealrisk-scan-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for sql_file, result in zip(args[::2], args[1::2]):
            rows = []
            for statement in statements(open(sql_file, encoding="utf-8").read()):
                rows = spark.sql(statement).collect()
            with open(result, "w", newline="", encoding="utf-8") as f:
                out = csv.writer(f)
                out.writerow(["measure", "key", "value"])
                out.writerows(list(r) for r in rows)
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
