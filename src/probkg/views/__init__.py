"""Layer 3: views of the graph for people and graph tools: networkx views, exports, pictures, counts."""
