ALTER TABLE "api_keys" ADD COLUMN "code_hash" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_code_hash_unique" UNIQUE("code_hash");