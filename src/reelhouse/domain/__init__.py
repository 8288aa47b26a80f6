"""Pure domain vocabulary: money, ids, time, state tables, wallet commands, errors, limits."""
