"""What every page needs: session, CSRF, security headers, errors, templates,
forms and the home and login pages."""
