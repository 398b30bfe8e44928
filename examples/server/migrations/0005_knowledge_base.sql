-- Knowledge base: a category tree, articles with every content version kept, reader feedback.

create table kb_categories (
  id          uuid primary key default gen_random_uuid(),
  parent_id   uuid references kb_categories (id) on delete restrict,
  name        text not null check (length(btrim(name)) between 1 and 100),
  slug        text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 100),
  description text,
  sort_order  integer not null default 0,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint kb_categories_not_own_parent check (parent_id <> id)
);
create index kb_categories_parent_idx on kb_categories (parent_id);

create type kb_article_status as enum ('draft', 'published', 'archived');
create type kb_article_source as enum ('manual', 'generated_from_ticket');

create table kb_articles (
  id                  uuid primary key default gen_random_uuid(),
  title               text not null check (length(btrim(title)) between 1 and 255),
  slug                text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 200),
  summary             text check (length(summary) <= 1000),
  body                text not null check (length(btrim(body)) > 0 and length(body) <= 200000),
  category_id         uuid references kb_categories (id) on delete set null,
  author_id           uuid default app.user_id() references users (id) on delete set null,
  status              kb_article_status not null default 'draft',
  source              kb_article_source not null default 'manual',
  source_ticket_id    uuid references tickets (id) on delete set null,
  tags                text[] not null default '{}',
  view_count          integer not null default 0 check (view_count >= 0),
  helpful_votes       integer not null default 0 check (helpful_votes >= 0),
  unhelpful_votes     integer not null default 0 check (unhelpful_votes >= 0),
  effectiveness_score numeric(3, 2) check (effectiveness_score between 0 and 1),
  version             integer not null default 1,
  metadata            jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  published_at        timestamptz,
  archived_at         timestamptz,
  search_vector       tsvector generated always as (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english', body), 'C')
  ) stored,
  constraint kb_articles_generated_has_ticket check (source = 'manual' or source_ticket_id is not null)
);
create index kb_articles_category_idx on kb_articles (category_id);
create index kb_articles_status_idx on kb_articles (status);
create index kb_articles_author_idx on kb_articles (author_id);
create index kb_articles_source_idx on kb_articles (source);
create index kb_articles_source_ticket_idx on kb_articles (source_ticket_id);
create index kb_articles_effectiveness_idx on kb_articles (effectiveness_score);
create index kb_articles_search_idx on kb_articles using gin (search_vector);
create index kb_articles_tags_idx on kb_articles using gin (tags);

create table kb_article_versions (
  id         uuid primary key default gen_random_uuid(),
  article_id uuid not null references kb_articles (id) on delete cascade,
  version    integer not null,
  title      text not null,
  summary    text,
  body       text not null,
  changed_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (article_id, version)
);
create index kb_article_versions_changed_by_idx on kb_article_versions (changed_by);

create table kb_article_feedback (
  id         uuid primary key default gen_random_uuid(),
  article_id uuid not null references kb_articles (id) on delete cascade,
  user_id    uuid not null default app.user_id() references users (id) on delete cascade,
  helpful    boolean not null,
  comment    text check (length(comment) <= 10000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (article_id, user_id)
);
create index kb_article_feedback_user_idx on kb_article_feedback (user_id);

create trigger kb_categories_touch before update on kb_categories for each row execute function app.touch_updated_at();
create trigger kb_article_feedback_touch before update on kb_article_feedback for each row execute function app.touch_updated_at();
