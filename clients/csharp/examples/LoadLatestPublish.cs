// Example: a Unity editor script that loads the latest publish of an asset.
//
// Menu "Pipebridge/Load Latest Model of Selected Asset": takes the selected object's name as
// the asset code (e.g. "hero"), asks the bridge for the newest "Maya Scene" publish of that
// asset and pings its file in the Project window (importing it when it lies under Assets/).
// LatestPublishLoader has no Unity dependency (the C# client's tests run it against a real
// bridge); the editor glue below compiles only inside the Unity editor.
using System;
using System.Linq;
using System.Threading.Tasks;
using Pipebridge;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Examples
{
    public static class LatestPublishLoader
    {
        /// <summary>
        /// The newest publish of publishType (and name, when given) of the asset whose code is
        /// assetCode; null when it has none. NotFoundException when there is no such asset.
        /// </summary>
        public static async Task<Publish> FindLatestAsync(PipebridgeClient client, string assetCode, string publishType,
                                                          string name = null, CallOptions options = null)
        {
            var assets = await client.EntityService.FindAsync(new FindEntitiesRequest
            {
                EntityType = "Asset",
                Filters = JsonArray.Of(JsonArray.Of("code", "is", assetCode)),
                Fields = { "code" },
            }, options).ConfigureAwait(false);
            if (assets.Entities.Count == 0) throw new NotFoundException("the project has no asset \"" + assetCode + "\"");

            // The asset's context (no task): FindLatest then covers every task and step of it.
            var context = (await client.ContextService.FromEntityAsync(new ContextFromEntityRequest
            {
                Entity = new EntityRef { Type = "Asset", Id = assets.Entities[0].GetInt32("id") },
            }, options).ConfigureAwait(false)).Context;
            var latest = await client.PublishService.FindLatestAsync(new FindLatestPublishesRequest
            {
                Context = context,
                PublishType = publishType,
                Name = name ?? "",
            }, options).ConfigureAwait(false);
            // One latest version per name: the most recently registered of them wins.
            return latest.Publishes.OrderByDescending(p => p.CreatedAt, StringComparer.Ordinal).FirstOrDefault();
        }
    }
}

#if UNITY_EDITOR
namespace Pipebridge.Examples
{
    using UnityEditor;
    using UnityEngine;

    public static class LoadLatestPublishMenu
    {
        [MenuItem("Pipebridge/Load Latest Model of Selected Asset")]
        static async void LoadLatestModel()
        {
            string assetCode = Selection.activeObject != null ? Selection.activeObject.name : "hero";
            try
            {
                // Awaiting here (no ConfigureAwait) resumes on the editor's main thread, so the
                // AssetDatabase calls below are safe; the editor never blocks while the bridge works.
                using (var client = await PipebridgeClient.ConnectAsync(new PipebridgeClientOptions { AutoReconnect = false }))
                {
                    var publish = await LatestPublishLoader.FindLatestAsync(client, assetCode, "Maya Scene", null,
                                                                            CallOptions.WithTimeout(TimeSpan.FromSeconds(10)));
                    if (publish == null)
                    {
                        Debug.LogWarning("pipebridge: asset " + assetCode + " has no Maya Scene publish yet");
                        return;
                    }
                    Debug.Log("pipebridge: " + assetCode + " " + publish.Name + " v" + publish.Version + " -> " + publish.Path);
                    string projectRoot = System.IO.Path.GetDirectoryName(Application.dataPath).Replace('\\', '/') + "/";
                    string path = publish.Path.Replace('\\', '/');
                    if (path.StartsWith(projectRoot, StringComparison.Ordinal))
                    {
                        string assetPath = path.Substring(projectRoot.Length);
                        AssetDatabase.ImportAsset(assetPath);
                        EditorGUIUtility.PingObject(AssetDatabase.LoadMainAssetAtPath(assetPath));
                    }
                    else
                    {
                        EditorUtility.RevealInFinder(path);
                    }
                }
            }
            catch (PipebridgeException e)
            {
                Debug.LogError("pipebridge: " + PipebridgeException.StatusName(e.Code) + ": " + e.Message);
            }
        }
    }
}
#endif
