"""The evaluation cycle around the survey: participation, attendance, and "review and revise".

The model for professional groups is a cycle closed by "review and revise"; these modules turn
what the project stores beside the survey answers into figures, with the same anonymity rule
as the survey results (:class:`cop_eval.privacy.PrivacyPolicy`):

- :mod:`~cop_eval.cycle.participation`: response rates per wave and subgroup from the membership
  (numbers or rosters), leavers, joiners and retention;
- :mod:`~cop_eval.cycle.attendance`: attendance per period between waves, subgroup and band;
- :mod:`~cop_eval.cycle.association`: survey scores by attendance band (linked by pseudonym);
- :mod:`~cop_eval.cycle.review`: each action's targeted scales since the wave it was agreed.
"""
