"""zhaotong-kg: query, network and picture layer over the built graph."""
