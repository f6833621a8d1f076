"""Glue for the stackops.compute local cloud: an ML2 mechanism driver and a fake compute driver."""
