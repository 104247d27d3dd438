"""Log template mining: messages in, clusters with `<*>` templates out. Plain Python."""

from logs.grouping.masking import WILDCARD, mask
from logs.grouping.miner import Cluster, GroupMatch, TemplateMiner, template_key

__all__ = ["WILDCARD", "Cluster", "GroupMatch", "TemplateMiner", "mask", "template_key"]
