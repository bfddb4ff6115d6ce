"""The one gate through which members' data leaves the vault: decide, release, log."""
