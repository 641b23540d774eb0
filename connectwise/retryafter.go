package connectwise

import "time"

// RetryAfterDelay is how long ConnectWise asked us to wait (429); the job
// runner snoozes a job for that long instead of using up an attempt.
func (e *Error) RetryAfterDelay() time.Duration { return e.RetryAfter }
