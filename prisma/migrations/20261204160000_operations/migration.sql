-- AlterTable
ALTER TABLE "threat_settings" ADD COLUMN     "api_token_hash" TEXT;

-- AlterTable
ALTER TABLE "threat_sources" ADD COLUMN     "proxy_url" TEXT;

-- CreateTable
CREATE TABLE "health_check_reports" (
    "id" BIGSERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "checked" INTEGER NOT NULL DEFAULT 0,
    "started" INTEGER NOT NULL DEFAULT 0,
    "resynced" INTEGER NOT NULL DEFAULT 0,
    "stopped" INTEGER NOT NULL DEFAULT 0,
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB,

    CONSTRAINT "health_check_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "threat_settings_api_token_hash_key" ON "threat_settings"("api_token_hash");

-- CreateIndex
CREATE INDEX "health_check_reports_started_at_idx" ON "health_check_reports"("started_at");
