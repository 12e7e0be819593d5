"""Background work, run by django-tasks: publishing annual reports, exports, big imports,
e-mail and the daily reminders. Each task is given a job's id (core.models.Job), does its
work through core's services and documents' writers, and reports progress on the job.

`start_*` functions here are what the pages call: they check nothing themselves (the core
service `start_job` does) and return the job, whose page shows how it is going."""
