"""The live portal: the publish stage's pages, served from the store as it changes."""
