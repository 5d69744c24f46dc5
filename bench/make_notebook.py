"""Write a long bash lab notebook for the benchmarks.

Every 10th cell is a "## Part k" heading, so the sidebar has one section per
ten cells; the others are `echo step i` code cells, cheap for the kernel so
that what is timed is mostly JupyterLab and the extension.

Usage: python make_notebook.py CELLS OUT.ipynb
"""
import json
import sys


def make_notebook(cells: int) -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {
            "kernelspec": {"name": "bash", "display_name": "Bash", "language": "bash"},
            "language_info": {"name": "bash"},
        },
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": f"## Part {i // 10 + 1}"}
            if i % 10 == 0
            else {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": f"echo step {i}",
            }
            for i in range(cells)
        ],
    }


if __name__ == "__main__":
    count, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "w", encoding="utf-8") as out:
        json.dump(make_notebook(count), out, indent=1)
        out.write("\n")
