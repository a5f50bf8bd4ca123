# The two commands of the README's Quick start, plus helpers.
.PHONY: serve test lint setup bundle bench

serve: ## build and serve the store at http://127.0.0.1:3000
	./scripts/serve

test: ## run every test (unit, API on SQLite and PostgreSQL, Playwright)
	./scripts/test

lint: ## cargo fmt --check and clippy with warnings as errors
	./scripts/lint

setup: ## install the pinned toolchain and build tools
	./scripts/setup --test

bundle: ## build the browser bundles into site/pkg, printing their sizes
	./scripts/build-bundle

bench: ## storefront speed beside the machine's ceiling and the seed stack (not a test)
	./scripts/bench
