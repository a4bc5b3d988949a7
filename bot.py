"""`python bot.py` is `newsbot run`: start the bot. All logic lives in bot/cli.py."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["run"]))
