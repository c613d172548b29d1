"""The cluster stage: articles into events (one happening, many reports), events into stories.

`features` turns an article into weighted terms, weighted canonical entities
and the days its happening can be on; `grouping` is the one order-independent
grouping method used at both levels; `stage` runs it incrementally over the
store and ranks related events; `evaluate` scores a clustering against gold
labels (B-cubed, NMI).
"""

from currents.cluster.stage import ClusterReport, ClusterStage

__all__ = ["ClusterReport", "ClusterStage"]
