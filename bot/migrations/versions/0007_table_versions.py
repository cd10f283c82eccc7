"""the resource table as versions of its documents; the per-entity tables go

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00

The live table moves into its first version (numbered as the table's version was, so running workers
see no change), made of the same documents the per-entity tables were read back as; then those
tables are dropped. The audit log stays, and its entries gain the version they made.
"""
from datetime import date, datetime, timezone
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_TABLES = ('keyword', 'topic', 'resource', 'organization', 'language', 'wording', 'menu_option', 'reply_test',
              'example', 'table_document', 'table_state')  # dropped in this order (keys before what they name)


def _table(name: str, *columns: str, json: Sequence[str] = ()) -> sa.TableClause:
    """A lightweight view of one of the old tables: its columns, JSON ones decoded."""
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(c, sa.JSON) for c in json))


def _rows(connection, table: sa.TableClause, *order: str) -> list:
    """Every row of ``table``, in ``order``."""
    return list(connection.execute(sa.select(table).order_by(*(table.c[o] for o in order))).mappings())


def _day(value) -> str | None:
    """A date as YYYY-MM-DD (the form data/ and the versions keep)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return value or None


def old_documents(connection) -> dict:
    """The live table as data/'s documents, read from the per-entity tables (as the code before this
    migration read them)."""
    state = _rows(connection, _table('table_state', 'id', 'version', 'start_topic', 'fallback',
                                     json=('unmatched', 'safety')), 'id')[0]
    langs = _rows(connection, _table('language', 'code', 'position', 'name', 'max_segments', 'voice', 'speech',
                                     'gsm7', 'topic_segments', json=('switch', 'hints')), 'position')
    wording = _rows(connection, _table('wording', 'channel', 'key', json=('texts',)), 'channel', 'key')
    orgs = _rows(connection, _table('organization', 'id', 'key', json=('name', 'about')), 'id')
    org_key = {o['id']: o['key'] for o in orgs}
    resources = []
    for r in _rows(connection, _table('resource', 'key', 'position', 'organization_id', 'phone', 'text_number',
                                      'hours', 'last_verified', 'verified_by',
                                      json=('name', 'short', 'description', 'languages')), 'position'):
        doc = {'key': r['key'], 'organization': org_key[r['organization_id']], 'name': r['name'],
               'short': r['short'] or {}, 'description': r['description'], 'phone': r['phone'], 'hours': r['hours'],
               'languages': r['languages'], 'last_verified': _day(r['last_verified'])}
        doc.update({'text': r['text_number']} if r['text_number'] else {})
        doc.update({'verified_by': r['verified_by']} if r['verified_by'] else {})
        resources.append(doc)
    keywords: dict = {}
    for k in _rows(connection, _table('keyword', 'id', 'topic_id', 'language', 'phrase'), 'id'):
        keywords.setdefault(k['topic_id'], {}).setdefault(k['language'], []).append(k['phrase'])
    topics = [{'key': t['key'], 'name': t['name'], 'urgency': t['urgency'], 'intro': t['intro'],
               'resources': t['resources'], 'organizations': t['organizations'], 'keywords': keywords.get(t['id'], {})}
              for t in _rows(connection, _table('topic', 'id', 'key', 'urgency',
                                                json=('name', 'intro', 'resources', 'organizations')), 'urgency', 'key')]
    options = []
    for o in _rows(connection, _table('menu_option', 'position', 'key', 'action', 'resource_key', 'language',
                                      json=('menus', 'prompt', 'keywords')), 'position'):
        doc = {'key': o['key'], 'action': o['action'], 'menus': o['menus'], 'prompt': o['prompt']}
        doc.update({'keywords': o['keywords']} if o['keywords'] else {})
        doc.update({'resource': o['resource_key']} if o['resource_key'] else {})
        doc.update({'language': o['language']} if o['language'] else {})
        options.append(doc)
    tests: dict = {'sms': [], 'voice': []}
    for row in _rows(connection, _table('reply_test', 'channel', 'position', json=('case',)), 'channel', 'position'):
        tests.setdefault(row['channel'], []).append(row['case'])
    whole = {d['name']: d['content'] for d in _rows(connection, _table('table_document', 'name', json=('content',)),
                                                     'name')}
    examples = [{'text': e['text'], 'lang': e['language'], 'topics': e['topics'],
                 **({'discreet': True} if e['discreet'] else {})}
                for e in _rows(connection, _table('example', 'position', 'text', 'language', 'discreet',
                                                  json=('topics',)), 'position')]
    return {
        'languages.yaml': {l['code']: {'name': l['name'], 'switch': l['switch'], 'hints': l['hints'],
                                       'max_segments': l['max_segments'], 'voice': l['voice'], 'speech': l['speech'],
                                       'gsm7': bool(l['gsm7']), 'topic_segments': l['topic_segments']}
                           for l in langs},
        'organizations.yaml': [{'key': o['key'], 'name': o['name'], 'about': o['about']} for o in orgs],
        'resources.yaml': resources,
        'topics.yaml': {'unmatched': {'resources': state['unmatched'] or []}, 'start': state['start_topic'],
                        **({'safety': state['safety']} if state['safety'] else {}), 'topics': topics},
        'messages.yaml': {l['code']: {w['key']: w['texts'].get(l['code']) for w in wording if w['channel'] == 'sms'}
                          for l in langs},
        'menu.yaml': {'fallback': state['fallback'],
                      'prompts': {w['key']: w['texts'] for w in wording if w['channel'] == 'voice'},
                      'options': options},
        'reply_tests.yaml': tests,
        **whole,
        'examples.yaml': examples,
    }


def upgrade() -> None:
    """Upgrade schema: the live table becomes version N (N: its version number), the old tables go."""
    versions = op.create_table('table_version',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('who', sa.String(length=254), nullable=False),
    sa.Column('what', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))
    connection = op.get_bind()
    state = sa.table('table_state', sa.column('id'), sa.column('version'),
                     sa.column('changed_at', sa.DateTime(timezone=True)))
    live = connection.execute(sa.select(state).where(state.c.id == 1)).first()
    if live is not None and live.version:
        op.bulk_insert(versions, [{'number': live.version, 'documents': old_documents(connection),
                                   'created_at': live.changed_at or datetime.now(timezone.utc), 'who': '',
                                   'what': 'upgrade', 'note': 'the table as it was before versions were kept'}])
    for name in OLD_TABLES:
        op.drop_table(name)


def downgrade() -> None:
    """Downgrade schema: not supported (the old tables would need the table's documents taken apart);
    restore the backup made before upgrading instead."""
    raise NotImplementedError("0007 cannot be undone: restore the database backup taken before the upgrade")
