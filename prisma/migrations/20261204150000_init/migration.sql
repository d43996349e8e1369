-- CreateEnum
CREATE TYPE "job_status" AS ENUM ('scheduled', 'running', 'completed', 'failed', 'disabled_due_to_failures', 'paused');

-- CreateEnum
CREATE TYPE "source_kind" AS ENUM ('rss', 'atom', 'html');

-- CreateEnum
CREATE TYPE "run_outcome" AS ENUM ('running', 'success', 'failure');

-- CreateTable
CREATE TABLE "threat_settings" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "interval_seconds" INTEGER NOT NULL DEFAULT 3600,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "job_status" "job_status",
    "last_run_at" TIMESTAMPTZ(3),
    "next_run_at" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "run_count" INTEGER NOT NULL DEFAULT 0,
    "job_updated_at" TIMESTAMPTZ(3),

    CONSTRAINT "threat_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "threat_sources" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "kind" "source_kind" NOT NULL,
    "selectors" JSONB,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "last_fetched_at" TIMESTAMPTZ(3),
    "etag" TEXT,
    "last_modified" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "threat_sources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "threat_items" (
    "id" BIGSERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "source_id" INTEGER,
    "url" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "published_at" TIMESTAMPTZ(3),
    "matched_keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "threat_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scrape_runs" (
    "id" BIGSERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "run_key" TEXT NOT NULL,
    "run_number" INTEGER NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "outcome" "run_outcome" NOT NULL DEFAULT 'running',
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "items_seen" INTEGER NOT NULL DEFAULT 0,
    "new_items" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "source_errors" JSONB,

    CONSTRAINT "scrape_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "threat_settings_user_id_key" ON "threat_settings"("user_id");

-- CreateIndex
CREATE INDEX "threat_settings_job_status_idx" ON "threat_settings"("job_status");

-- CreateIndex
CREATE UNIQUE INDEX "threat_sources_user_id_url_key" ON "threat_sources"("user_id", "url");

-- CreateIndex
CREATE INDEX "threat_items_user_id_first_seen_at_idx" ON "threat_items"("user_id", "first_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "threat_items_user_id_url_key" ON "threat_items"("user_id", "url");

-- CreateIndex
CREATE UNIQUE INDEX "scrape_runs_run_key_key" ON "scrape_runs"("run_key");

-- CreateIndex
CREATE INDEX "scrape_runs_user_id_scheduled_at_idx" ON "scrape_runs"("user_id", "scheduled_at");

-- AddForeignKey
ALTER TABLE "threat_sources" ADD CONSTRAINT "threat_sources_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "threat_settings"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_items" ADD CONSTRAINT "threat_items_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "threat_settings"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_items" ADD CONSTRAINT "threat_items_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "threat_sources"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrape_runs" ADD CONSTRAINT "scrape_runs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "threat_settings"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;
