"""Nothing of reviews is in the admin. The admin is for national staff's reference data; reviews, support
plans, recommendations and panels are the employer's records and change only through
``reviews.services`` (audited, versioned, with amendments kept), never by editing rows."""
