package store

import (
	"context"

	"centralpsa/config"
)

// SetSetting stores a setting, sealing it when the registry marks it
// secret. Callers validate the key and value first (config.ValidateValue).
func (h *handle) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return invalid("setting key is empty")
	}
	stored := value
	if isSecret(key) {
		var err error
		if stored, err = h.keys.seal(key, value); err != nil {
			return err
		}
	}
	_, err := h.exec(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, stored, h.d.timeArg(h.now()))
	if err != nil {
		return classify(err, "store setting %s", key)
	}
	return nil
}

// DeleteSetting removes a stored setting, so the default applies again.
// A key that is not stored gives a KindNotFound error.
func (h *handle) DeleteSetting(ctx context.Context, key string) error {
	res, err := h.exec(ctx, `DELETE FROM settings WHERE name = ?`, key)
	if err != nil {
		return classify(err, "delete setting %s", key)
	}
	if ok, err := rowsAffected(res); err != nil {
		return classify(err, "delete setting %s", key)
	} else if !ok {
		return notFound("setting %s is not stored in the database", key)
	}
	return nil
}

// Settings returns every stored setting with secrets decrypted; it
// implements config.Store. A secret that cannot be decrypted fails the
// whole call rather than yielding a wrong credential.
func (h *handle) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := h.query(ctx, `SELECT name, value FROM settings`)
	if err != nil {
		return nil, classify(err, "read settings")
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return nil, classify(err, "read settings")
		}
		if isSecret(key) {
			if value, err = h.keys.open(key, value); err != nil {
				return nil, err
			}
		}
		out[key] = value
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read settings")
	}
	return out, nil
}

// The config package reads stored settings through this interface.
var _ config.Store = (*DB)(nil)
