"""Data over the network: NCBI E-utilities (client, response cache, fetch of records
for a build) and released data packages (release archives, verified downloads)."""
