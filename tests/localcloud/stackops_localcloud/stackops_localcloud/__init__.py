"""Glue for the stackops.compute local cloud: an ML2 mechanism driver, a fake compute driver, a volume driver."""
