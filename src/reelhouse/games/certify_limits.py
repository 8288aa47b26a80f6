"""The certification bundle's input bounds (games/certify.py), apart from it so that the command
line can offer them without loading the math (numpy) it needs to build a bundle."""

# Rounds per variant: the default runs in seconds; the maximum keeps a bundle's build to
# minutes on one core (a lab that wants more runs `reelhouse rtp simulate` on its own).
DEFAULT_ROUNDS = 200_000
MAX_ROUNDS = 100_000_000
DEFAULT_SEED = 1
