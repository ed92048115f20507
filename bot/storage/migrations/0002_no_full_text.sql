-- reviews.full_text repeated the title, tagline and sections (stored in review_sections and
-- searched through review_search) and nothing read it: a load wrote every review twice.
ALTER TABLE reviews DROP COLUMN full_text;
