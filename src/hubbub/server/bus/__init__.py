"""Fan-out between nodes: `memory` (one process) or `redis` (scale-out)."""
