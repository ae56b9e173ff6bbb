"""The analyst API: every function takes the database handle (salesops.connect()) and
returns a DataFrame (a networkx graph for the referral and agent graphs).

Definitions shared with the rest of salesops: a counted order is not cancelled,
refunded or soft-deleted; revenue is the sum of its line amounts; gross margin is taken
over lines with a known unit cost; days and ISO weeks are business-zone days
(salesops.config.business_zone()); date arguments are business days, inclusive.
"""

from ._common import latest_day
from .agents import agent_graph, agent_tree, tier_summary
from .baskets import next_products, product_pairs
from .bgnbd import BGNBD, contact_list, customer_outlook
from .bgnbd import fit as fit_bgnbd
from .channels import weekly_channels
from .cohorts import cohorts, retention_matrix
from .communities import community_summary, review_effect, review_effect_summary
from .drivers import profit_drivers
from .funnel import channel_funnel, funnel_long
from .referrals import referral_graph, referral_revenue, top_referrers, viral_coefficient
from .repeat import holdout_weeks, purchase_days, purchase_intervals, repeat_rate, repeat_summary
from .rfm import rfm_scores, segment_summary

__all__ = [
    "BGNBD",
    "agent_graph",
    "agent_tree",
    "channel_funnel",
    "cohorts",
    "community_summary",
    "contact_list",
    "customer_outlook",
    "fit_bgnbd",
    "funnel_long",
    "holdout_weeks",
    "latest_day",
    "next_products",
    "product_pairs",
    "profit_drivers",
    "purchase_days",
    "purchase_intervals",
    "referral_graph",
    "referral_revenue",
    "repeat_rate",
    "repeat_summary",
    "retention_matrix",
    "review_effect",
    "review_effect_summary",
    "rfm_scores",
    "segment_summary",
    "tier_summary",
    "top_referrers",
    "viral_coefficient",
    "weekly_channels",
]
