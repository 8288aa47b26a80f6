"""Reelhouse: a remote game server for casinos in Seamless Mode."""
