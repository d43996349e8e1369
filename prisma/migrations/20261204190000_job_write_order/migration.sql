-- AlterTable
ALTER TABLE "threat_settings" ADD COLUMN     "job_instance_id" TEXT,
ADD COLUMN     "job_seq" INTEGER NOT NULL DEFAULT 0;
