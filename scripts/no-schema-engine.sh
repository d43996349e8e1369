#!/bin/sh
# Stands in for Prisma's schema engine, which is downloaded on first use and cannot be here.
# `prisma generate` only checks that PRISMA_SCHEMA_ENGINE_BINARY names a file; it never runs it.
echo "Prisma's schema engine is not installed on this machine. Apply migrations with 'npm run migrate' instead." >&2
exit 1
