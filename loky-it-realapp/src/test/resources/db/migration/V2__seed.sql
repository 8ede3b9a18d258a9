insert into owner (name) values ('George Franklin');
insert into owner (name) values ('Betty Davis');
insert into pet (name, kind, owner_id) values ('Leo', 'cat', 1);
insert into pet (name, kind, owner_id) values ('Basil', 'hamster', 1);
insert into pet (name, kind, owner_id) values ('Rosy', 'dog', 2);
