"""`python -m reelhouse`: the same command line as the `reelhouse` script."""

from reelhouse.cli import app

if __name__ == "__main__":
    app(prog_name="reelhouse")
