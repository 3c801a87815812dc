-- One database per service: each service is its own consistency boundary.
CREATE DATABASE assessment;
CREATE DATABASE delegation;
CREATE DATABASE training;
CREATE DATABASE funding;
CREATE DATABASE governance;
