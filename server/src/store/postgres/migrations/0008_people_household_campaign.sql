-- 0008: a person's household and campaign are checked as one pair. Until now a person row
-- carried two foreign keys (its campaign, its household), so every person an import wrote
-- cost two look-ups in the referenced tables, and nothing said the household was of the
-- person's own campaign. One key on the pair does both: the household exists, it is in the
-- person's campaign, and so (through the household's own key) the campaign exists. Half
-- the checks for every voter an import writes, and a stronger rule.
CREATE UNIQUE INDEX households_id_campaign ON households (id, campaign_id);
ALTER TABLE people DROP CONSTRAINT people_campaign_id_fkey;
ALTER TABLE people DROP CONSTRAINT people_household_id_fkey;
ALTER TABLE people ADD CONSTRAINT people_household_in_campaign
    FOREIGN KEY (household_id, campaign_id) REFERENCES households (id, campaign_id);
