insert into migrate_run (at) values (current_timestamp);
