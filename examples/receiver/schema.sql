-- The API's tables, for running the reference receiver and its tests.
-- `projects` is reduced to the columns the receiver uses; `project_stats` is verbatim from the
-- API's design.

CREATE TABLE projects (
    id SERIAL PRIMARY KEY,
    github_repo_id BIGINT UNIQUE NOT NULL,
    github_repo_name VARCHAR(255) NOT NULL,
    github_default_branch VARCHAR(255) NOT NULL DEFAULT 'main'
);

CREATE TABLE project_stats (
    id SERIAL PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    word_count INTEGER DEFAULT 0,
    chapter_count INTEGER DEFAULT 0,
    character_count INTEGER DEFAULT 0,
    last_commit_sha VARCHAR(255),
    last_commit_at TIMESTAMP WITH TIME ZONE,
    total_commits INTEGER DEFAULT 0,
    current_streak_days INTEGER DEFAULT 0,
    longest_streak_days INTEGER DEFAULT 0,
    last_write_date DATE,
    stats_history JSONB DEFAULT '[]', -- Array of daily snapshots
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(project_id)
);
